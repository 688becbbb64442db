/*
 * qc_channel.c - channel names.
 *
 *	qc_channel_name(chan, buf) writes the CHANNELS patch's name of a channel.
 *	qc_channel_parse(name, nchan) maps a name back, -1 if unknown.
 */
#include <stdio.h>
#include <string.h>

#include "qc.h"

/* qc_channel_name - name of channel chan */
const char *qc_channel_name(int chan, char buf[QC_CHAN_NAME_MAX])
{
    if (chan == QC_CHAN_LOCAL)
        snprintf(buf, QC_CHAN_NAME_MAX, "local");
    else if (chan == QC_CHAN_REMOTE)
        snprintf(buf, QC_CHAN_NAME_MAX, "remote");
    else
        snprintf(buf, QC_CHAN_NAME_MAX, "suppl%d", (chan - 2) & 0xff);
    return buf;
}

/* qc_channel_parse - index of a channel name among nchan channels */
int qc_channel_parse(const char *name, int nchan)
{
    if (strcmp(name, "local") == 0)
        return QC_CHAN_LOCAL;
    if (strcmp(name, "remote") == 0)
        return QC_CHAN_REMOTE;
    if (strncmp(name, "suppl", 5) != 0)
        return -1;
    const char *p = name + 5;
    if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0'))
        return -1;
    int k = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || k > QC_MAX_CHANNELS)
            return -1;
        k = k * 10 + (*p - '0');
    }
    if (k + 2 >= nchan)
        return -1;
    return k + 2;
}
