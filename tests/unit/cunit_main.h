/*
 * cunit_main.h - the main() every unit-test program shares.
 *
 * A test file defines `static void add_tests(CU_pSuite suite)` and a
 * suite name, then expands QC_CUNIT_MAIN("name").  The program exits
 * non-zero when any assertion failed, so make and CI see failures.
 */
#ifndef CUNIT_MAIN_H
#define CUNIT_MAIN_H

#include <CUnit/Basic.h>
#include <stdlib.h>

#define QC_CUNIT_MAIN(name)                                              \
    int main(void)                                                       \
    {                                                                    \
        if (CU_initialize_registry() != CUE_SUCCESS)                     \
            return 2;                                                    \
        CU_pSuite suite = CU_add_suite(name, NULL, NULL);                \
        if (!suite) {                                                    \
            CU_cleanup_registry();                                       \
            return 2;                                                    \
        }                                                                \
        add_tests(suite);                                                \
        CU_basic_set_mode(CU_BRM_NORMAL);                                \
        CU_basic_run_tests();                                            \
        unsigned failed = CU_get_number_of_failures() +                  \
                          CU_get_number_of_tests_failed();               \
        CU_cleanup_registry();                                           \
        return failed ? 1 : 0;                                           \
    }

#define QC_ADD_TEST(suite, fn) CU_add_test((suite), #fn, (fn))

#endif
