/*
 * nofsync.c - an LD_PRELOAD shim that makes fsync() and fdatasync()
 * return at once, for the daemon benchmark only.
 *
 * bench/run_daemons.py runs the daemons on an ext4 queue twice, with and
 * without this shim: the difference is what waiting for the disk costs
 * (qmail-queue, qmail-todo and qmail-send fsync every file they write).
 * Never use it for mail that matters: a crash loses what was "safe".
 */
#include <unistd.h>

/* fsync - pretend the data reached the disk */
int fsync(int fd)
{
    (void)fd;
    return 0;
}

/* fdatasync - likewise */
int fdatasync(int fd)
{
    (void)fd;
    return 0;
}
