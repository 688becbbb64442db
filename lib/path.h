/*
 * path.h - directories and programs by path, for the commands that write
 * results (run, compare, sweep, fit) and draw them with gnuplot.
 *
 *	path_mkdirs(path)	mkdir -p: 0, or -1 with errno (ENOTDIR when
 *				path exists and is not a directory)
 *	path_has_program(name)	1 if an executable name is in a directory
 *				of $PATH (/usr/bin:/bin when unset)
 *	path_fclose(f)		close an output file: 0, or -1 with the
 *				errno of the write that failed (ENOSPC on
 *				a full disk), so the message can say why
 *	path_create(dir, name, who)
 *				dir/name for writing (a 64 KiB buffer), or
 *				NULL after "WHO: cannot write PATH: why" on
 *				standard error
 *	path_finish(f, dir, name, who)
 *				path_fclose, saying so and why on an error;
 *				0, or -1 (f NULL: nothing to close, 0)
 */
#ifndef PATH_H
#define PATH_H

#include <stdio.h>

int path_mkdirs(const char *path);
int path_has_program(const char *name);
int path_fclose(FILE *f);
FILE *path_create(const char *dir, const char *name, const char *who);
int path_finish(FILE *f, const char *dir, const char *name, const char *who);

#endif
