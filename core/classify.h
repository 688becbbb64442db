/*
 * classify.h - qmail-todo's decision for one recipient.
 *
 * In this order, every domain comparison case-insensitive:
 *	1. no '@': append "@" envnoathost;
 *	2. while the domain is in percenthack and the local part has '%':
 *	   the last '%' becomes the '@';
 *	3. domain in locals: local, address kept;
 *	4. virtualdomains key order: user@domain, domain, each suffix from a
 *	   dot (".b.c", ".c"), the empty key; an empty prepend stops the
 *	   search (not virtual); else local with "prepend-user@domain";
 *	5. domain in supplsK (first K wins): channel K+2;
 *	6. remote.
 * The domain is what follows the address's last '@' (qmail's byte_rchr);
 * classify.c lists the edge cases real qmail-todo decides.
 * Lookups are hash tables built once by classify_new(); a lookup costs
 * the same whatever the size of the lists.
 */
#ifndef CLASSIFY_H
#define CLASSIFY_H

#include "control.h"

struct classify;

/* classify_new - tables from c (copied), every block of them from alloc
 * (NULL: malloc), which must outlive them; NULL if out of memory (then
 * nothing is kept) */
struct classify *classify_new(const struct control *c,
                              const struct qc_alloc *alloc);
void classify_free(struct classify *cl);

/* classify_rcpt - channel of addr (len bytes, need not be NUL-terminated;
 * a NUL byte inside ends the address, as in qmail-todo, whose addresses
 * are C strings);
 * the rewritten address goes into out (NUL-terminated when it fits);
 * returns the rewritten length, which may be >= outcap (then retry with a
 * bigger buffer) */
size_t classify_rcpt(const struct classify *cl, const char *addr,
                     size_t len, char *out, size_t outcap, int *chan);

/* classify_domain - the channel classify_rcpt gives every address "L@dom"
 * (dom len bytes) whose local part L holds no '%' and no '@', the address
 * kept as it is; -1 when the answer depends on L (virtualdomains rewrites
 * dom's addresses or has keys for single addresses).  A host that makes
 * many such addresses per domain (the simulator) asks once per domain. */
int classify_domain(const struct classify *cl, const char *dom, size_t len);

int classify_nchan(const struct classify *cl);

#endif
