/*
 * path.h - directories and programs by path, for the commands that write
 * results (run, compare, sweep, fit) and draw them with gnuplot.
 *
 *	path_mkdirs(path)	mkdir -p: 0, or -1 with errno (ENOTDIR when
 *				path exists and is not a directory)
 *	path_has_program(name)	1 if an executable name is in a directory
 *				of $PATH (/usr/bin:/bin when unset)
 */
#ifndef PATH_H
#define PATH_H

int path_mkdirs(const char *path);
int path_has_program(const char *name);

#endif
