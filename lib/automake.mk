# libovndpu: what both agents share.  The Kubernetes client (k8s-*),
# the DPU health lease (dpu-lease*: the state machines and the Lease
# object), what both daemons do alike (ovn-dpu-daemon), and the codecs of
# the pod annotations both sides exchange (pod-annotations), safe
# updates of them (pod-patch) and the host's signature on them
# (conn-auth).  For the node's management port, which both
# sides make of a function: the Node annotations' codecs
# (node-annotations), reshaping a netdev (netdev-link) and waking up on
# the kernel's notifications (netlink-watch); the kernel's exact errors
# of libnl requests (nl-errors), which the host's VF and management port
# code use too.  Prometheus metrics: the registry
# (metrics), what every program exports about itself (metrics-process) and
# the HTTP endpoint with the health probes (metrics-server).
noinst_LTLIBRARIES += lib/libovndpu.la
lib_libovndpu_la_SOURCES = \
	lib/conn-auth.c \
	lib/conn-auth.h \
	lib/conn-keys.c \
	lib/conn-keys.h \
	lib/k8s-client.c \
	lib/k8s-client.h \
	lib/k8s-config.c \
	lib/k8s-config.h \
	lib/k8s-options.c \
	lib/k8s-metrics.c \
	lib/k8s-metrics.h \
	lib/k8s-names.c \
	lib/k8s-names.h \
	lib/k8s-object.c \
	lib/k8s-object.h \
	lib/k8s-response.c \
	lib/k8s-response.h \
	lib/k8s-token.c \
	lib/k8s-token.h \
	lib/k8s-watch.c \
	lib/k8s-watch.h \
	lib/metrics.c \
	lib/metrics.h \
	lib/metrics-process.c \
	lib/metrics-process.h \
	lib/metrics-server.c \
	lib/metrics-server.h \
	lib/micro-time.c \
	lib/micro-time.h \
	lib/dpu-lease.c \
	lib/dpu-lease.h \
	lib/dpu-lease-object.c \
	lib/dpu-lease-object.h \
	lib/netdev-link.c \
	lib/netdev-link.h \
	lib/netlink-watch.c \
	lib/netlink-watch.h \
	lib/nl-errors.c \
	lib/nl-errors.h \
	lib/node-annotations.c \
	lib/node-annotations.h \
	lib/ovn-dpu-daemon.c \
	lib/ovn-dpu-daemon.h \
	lib/pod-annotations.c \
	lib/pod-annotations.h \
	lib/pod-ann-validate.c \
	lib/pod-patch.c \
	lib/pod-patch.h \
	lib/state-file.c \
	lib/state-file.h \
	lib/vf-list.c \
	lib/vf-list.h

# Fragments of the agents' manual pages: the options and commands both have.
EXTRA_DIST += \
	lib/conn-keys-options.man \
	lib/dpu-lease-options.man \
	lib/dpu-lease-unixctl.man \
	lib/k8s-options.man \
	lib/k8s-unixctl.man \
	lib/metrics-options.man \
	lib/metrics-unixctl.man
