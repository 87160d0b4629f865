# libovndpu: the code both agents share.  The Kubernetes client (k8s-*),
# the DPU health lease (dpu-lease*: the state machines, the Lease object,
# the DPU side's keeper and the host side's watcher) and what both daemons
# do alike (ovn-dpu-daemon), and the codecs of the pod annotations both
# sides exchange (pod-annotations).

noinst_LTLIBRARIES += lib/libovndpu.la
lib_libovndpu_la_SOURCES = \
	lib/k8s-client.c \
	lib/k8s-client.h \
	lib/k8s-config.c \
	lib/k8s-config.h \
	lib/k8s-watch.c \
	lib/k8s-watch.h \
	lib/dpu-lease.c \
	lib/dpu-lease.h \
	lib/dpu-lease-keeper.c \
	lib/dpu-lease-keeper.h \
	lib/dpu-lease-object.c \
	lib/dpu-lease-object.h \
	lib/dpu-lease-watcher.c \
	lib/dpu-lease-watcher.h \
	lib/ovn-dpu-daemon.c \
	lib/ovn-dpu-daemon.h \
	lib/pod-annotations.c \
	lib/pod-annotations.h
