# libovndpu: what both agents share.  The Kubernetes client (k8s-*),
# the DPU health lease (dpu-lease*: the state machines, the Lease object,
# the DPU side's keeper), what both daemons do alike (ovn-dpu-daemon), the
# codecs of the pod annotations both sides exchange (pod-annotations) and
# safe updates of them (pod-patch), and the NetworkAttachmentDefinitions
# that name secondary networks (net-attach-def).
noinst_LTLIBRARIES += lib/libovndpu.la
lib_libovndpu_la_SOURCES = \
	lib/k8s-client.c \
	lib/k8s-client.h \
	lib/k8s-config.c \
	lib/k8s-config.h \
	lib/k8s-names.c \
	lib/k8s-names.h \
	lib/k8s-watch.c \
	lib/k8s-watch.h \
	lib/dpu-lease.c \
	lib/dpu-lease.h \
	lib/dpu-lease-keeper.c \
	lib/dpu-lease-keeper.h \
	lib/dpu-lease-object.c \
	lib/dpu-lease-object.h \
	lib/net-attach-def.c \
	lib/net-attach-def.h \
	lib/ovn-dpu-daemon.c \
	lib/ovn-dpu-daemon.h \
	lib/pod-annotations.c \
	lib/pod-annotations.h \
	lib/pod-patch.c \
	lib/pod-patch.h
