/*
 * fit_anon.c - anonymized addresses; see fit_out.h.
 *
 * The local part becomes "x" and 16 hex digits of its FNV-1a hash: the
 * same person gets the same name in every file and every run (so one
 * can still see that a recipient was retried), nobody's name leaves the
 * site, and the domain, which the destination models need, is kept.
 * A hash of a guessable name can be checked by guessing; the page
 * docs/fit.md says so.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fit_out.h"
#include "hash.h"

/* fit_anon - "x<hash>@domain"; the empty and "#@[]" senders stay */
const char *fit_anon(const char *addr, char *buf, size_t cap)
{
    if (!*addr || strcmp(addr, "#@[]") == 0) {
        snprintf(buf, cap, "%s", addr);
        return buf;
    }
    const char *at = strrchr(addr, '@');
    size_t llen = at ? (size_t)(at - addr) : strlen(addr);
    uint64_t h = hash_fnv1a(addr, llen);
    snprintf(buf, cap, "x%016llx%s", (unsigned long long)h, at ? at : "");
    return buf;
}
