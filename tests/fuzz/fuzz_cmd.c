/*
 * fuzz_cmd.c - libFuzzer target for the single-byte answers: send -> todo
 * commands and qmail-clean's '+' / '!'.
 *
 * Every input byte is a command and an answer; both decoders must accept
 * exactly their bytes and say so consistently.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "proto.h"

#define FZ_CHECK(cond)                                                   \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,       \
                    __LINE__, #cond);                                    \
            abort();                                                     \
        }                                                                \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        char b = (char)data[i];
        enum proto_error err = PROTO_E_RANGE;
        char c = proto_cmd_decode(b, &err);
        int cmd = b == 'S' || b == 'H' || b == 'X';
        FZ_CHECK(cmd ? c == b && err == PROTO_E_NONE
                     : c == 0 && err == PROTO_E_TYPE);
        FZ_CHECK(proto_cmd_decode(b, NULL) == c);

        err = PROTO_E_RANGE;
        int a = proto_clean_answer(b, &err);
        FZ_CHECK(b == '+' ? a == 1 && err == PROTO_E_NONE
                 : b == '!' ? a == 0 && err == PROTO_E_NONE
                            : a == -1 && err == PROTO_E_ANSWER);
        FZ_CHECK(proto_strerror(err) != NULL && *proto_strerror(err));
    }
    return 0;
}
