# libovndpu: the code both agents share.  Kubernetes client and its
# configuration so far; the lease state machine, annotation codecs, CNI wire
# format and device discovery join it as they are written.

noinst_LTLIBRARIES += lib/libovndpu.la
lib_libovndpu_la_SOURCES = \
	lib/k8s-client.c \
	lib/k8s-client.h \
	lib/k8s-config.c \
	lib/k8s-config.h \
	lib/k8s-watch.c \
	lib/k8s-watch.h \
	lib/ovn-dpu-daemon.c \
	lib/ovn-dpu-daemon.h
