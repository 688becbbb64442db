/*
 * png_fast.c - qchan-png.so, preloaded (LD_PRELOAD) into the gnuplot
 * processes that draw qchan's pictures, and nowhere else.
 *
 * gnuplot's pngcairo terminal writes each PNG through cairo, which leaves
 * libpng at its defaults: every row filtered five ways to pick the
 * smallest, then deflate at level 6.  For a 1100x600 picture that is
 * about 60% of what drawing it costs (callgrind: 250M of 400M
 * instructions), more than the simulation of a million messages spends
 * per picture.  Here png_set_IHDR, which cairo calls once per image
 * before any row is written, sets the "up" filter for every row and
 * deflate level 1: the same pixels (PNG is lossless; tests/e2e/
 * test_pictures.py decodes both and compares), files about 15-30% larger,
 * a picture's CPU about a fifth lower.  Anything that writes PNGs without
 * png_set_IHDR (none known) is left as it was.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <png.h>

typedef void set_ihdr_fn(png_const_structrp, png_inforp, png_uint_32,
                         png_uint_32, int, int, int, int, int);

/* png_set_IHDR - libpng's, then the cheap filter and level */
void png_set_IHDR(png_const_structrp png, png_inforp info, png_uint_32 width,
                  png_uint_32 height, int depth, int colour, int interlace,
                  int compression, int filter)
{
    static set_ihdr_fn *next;
    if (!next)
        *(void **)&next = dlsym(RTLD_NEXT, "png_set_IHDR");
    if (!next)
        return;               /* no libpng after us: nothing to write */
    next(png, info, width, height, depth, colour, interlace, compression,
         filter);
    png_set_filter((png_structrp)png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_level((png_structrp)png, 1);
}
