#! /bin/sh
# Regenerates the autotools files (configure, Makefile.in, ...) from
# configure.ac and Makefile.am.  Run once after a fresh clone.
autoreconf --install --force
