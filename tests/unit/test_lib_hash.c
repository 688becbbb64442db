/* test_lib_hash.c - the one mixer and the one string hash (lib/hash.h). */
#include <string.h>

#include "cunit_main.h"
#include "hash.h"

/* FNV-1a's published test vectors */
static void test_fnv1a_vectors(void)
{
    CU_ASSERT_EQUAL(hash_fnv1a("", 0), HASH_FNV_OFFSET);
    CU_ASSERT_EQUAL(hash_fnv1a("a", 1), UINT64_C(0xaf63dc4c8601ec8c));
    CU_ASSERT_EQUAL(hash_fnv1a("foobar", 6), UINT64_C(0x85944171f73967e8));
    /* every byte counts, NUL included */
    CU_ASSERT_NOT_EQUAL(hash_fnv1a("a\0b", 3), hash_fnv1a("a\0c", 3));
}

/* consecutive numbers (inode numbers, message ids) spread over a table:
 * with a 1024-slot mask, ids 1..1024 fill most slots, and so do ids
 * that differ only above bit 32 */
static void test_mix_spreads(void)
{
    static unsigned char low[1024], high[1024];
    size_t nlow = 0, nhigh = 0;
    for (uint64_t i = 1; i <= 1024; i++) {
        size_t a = (size_t)hash_mix64(i) & 1023;
        size_t b = (size_t)hash_mix64(i << 40) & 1023;
        nlow += !low[a];
        nhigh += !high[b];
        low[a] = high[b] = 1;
    }
    /* a uniform hash fills 1 - 1/e of the slots (about 647); one
     * multiply does a little worse on consecutive numbers (505), while
     * no mixing at all would put every id << 40 in slot 0 */
    CU_ASSERT(nlow > 450);
    CU_ASSERT(nhigh > 450);
    CU_ASSERT_EQUAL(hash_mix64(0), 0);
    CU_ASSERT_NOT_EQUAL(hash_mix64(1), 1);
}

static void add_tests(CU_pSuite suite)
{
    QC_ADD_TEST(suite, test_fnv1a_vectors);
    QC_ADD_TEST(suite, test_mix_spreads);
}

QC_CUNIT_MAIN("lib_hash")
