/*
 * proto_error.c - diagnostics shared by the protocol decoders.
 *
 *	proto_strerror(err) names a decoder error in a short English phrase
 *	that a host can put into a log line after the file or peer name.
 */
#include "proto.h"

/* proto_strerror - a short English phrase for err */
const char *proto_strerror(enum proto_error err)
{
    switch (err) {
    case PROTO_E_NONE:
        return "no error";
    case PROTO_E_TYPE:
        return "unknown record type";
    case PROTO_E_CHANNELS:
        return "wrong number of channel flags";
    case PROTO_E_DIGITS:
        return "message id missing, not decimal or too large";
    case PROTO_E_TOOLONG:
        return "record too long, cut";
    case PROTO_E_STATUS:
        return "report mangled: status not K, Z or D";
    case PROTO_E_RANGE:
        return "delivery number out of range";
    case PROTO_E_EMPTY:
        return "empty record";
    case PROTO_E_FIELDS:
        return "request without path or recipient";
    case PROTO_E_ANSWER:
        return "answer not '+' or '!'";
    case PROTO_E_NARROW:
        return "spawner limit left unfinished: its numbers are narrower";
    case PROTO_E_WIDE:
        return "spawner bytes before any request: its numbers are wider";
    }
    return "unknown protocol error";
}
