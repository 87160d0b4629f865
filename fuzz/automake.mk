# libFuzzer targets for every decoder of outside data, built only with
# "configure CC=clang --enable-fuzzing" (see Documentation/testing.rst).
# "make fuzz" runs each for a bounded time with fuzz/run.

FUZZ_TARGETS = \
	pod-annotations \
	cni-request \
	kubeconfig \
	k8s-response \
	watch-stream \
	micro-time \
	nad \
	node-annotations \
	conn-auth \
	pod-bandwidth
FUZZ_BINARIES = \
	fuzz/fuzz-pod-annotations \
	fuzz/fuzz-cni-request \
	fuzz/fuzz-kubeconfig \
	fuzz/fuzz-k8s-response \
	fuzz/fuzz-watch-stream \
	fuzz/fuzz-micro-time \
	fuzz/fuzz-nad \
	fuzz/fuzz-node-annotations \
	fuzz/fuzz-conn-auth \
	fuzz/fuzz-pod-bandwidth

EXTRA_DIST += fuzz/run fuzz/corpus

if ENABLE_FUZZING
noinst_PROGRAMS += $(FUZZ_BINARIES)

fuzz_fuzz_pod_annotations_SOURCES = fuzz/fuzz-pod-annotations.c fuzz/fuzz-init.c fuzz/fuzz.h
fuzz_fuzz_pod_annotations_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_pod_annotations_LDADD = $(OVN_DPU_LIBS)

fuzz_fuzz_cni_request_SOURCES = fuzz/fuzz-cni-request.c fuzz/fuzz-init.c fuzz/fuzz.h
fuzz_fuzz_cni_request_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_cni_request_CPPFLAGS = $(AM_CPPFLAGS) -I $(top_srcdir)/ovn-dpu
fuzz_fuzz_cni_request_LDADD = ovn-dpu/libovndpu-host.la $(OVN_DPU_LIBS)

fuzz_fuzz_kubeconfig_SOURCES = fuzz/fuzz-kubeconfig.c fuzz/fuzz-init.c fuzz/fuzz.h
fuzz_fuzz_kubeconfig_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_kubeconfig_LDADD = $(OVN_DPU_LIBS)

fuzz_fuzz_k8s_response_SOURCES = fuzz/fuzz-k8s-response.c fuzz/fuzz-init.c fuzz/fuzz.h
fuzz_fuzz_k8s_response_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_k8s_response_LDADD = $(OVN_DPU_LIBS)

fuzz_fuzz_watch_stream_SOURCES = fuzz/fuzz-watch-stream.c fuzz/fuzz-init.c fuzz/fuzz.h
fuzz_fuzz_watch_stream_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_watch_stream_LDADD = $(OVN_DPU_LIBS)

fuzz_fuzz_micro_time_SOURCES = fuzz/fuzz-micro-time.c fuzz/fuzz-init.c fuzz/fuzz.h
fuzz_fuzz_micro_time_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_micro_time_LDADD = $(OVN_DPU_LIBS)

fuzz_fuzz_nad_SOURCES = fuzz/fuzz-nad.c fuzz/fuzz-init.c fuzz/fuzz.h
fuzz_fuzz_nad_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_nad_CPPFLAGS = $(AM_CPPFLAGS) -I $(top_srcdir)/vswitchd-ext
fuzz_fuzz_nad_LDADD = vswitchd-ext/libovndpu-vswitchd.la $(OVN_DPU_LIBS)

fuzz_fuzz_pod_bandwidth_SOURCES = fuzz/fuzz-pod-bandwidth.c fuzz/fuzz-init.c fuzz/fuzz.h
fuzz_fuzz_pod_bandwidth_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_pod_bandwidth_CPPFLAGS = $(AM_CPPFLAGS) -I $(top_srcdir)/vswitchd-ext
fuzz_fuzz_pod_bandwidth_LDADD = vswitchd-ext/libovndpu-vswitchd.la $(OVN_DPU_LIBS)

fuzz_fuzz_node_annotations_SOURCES = fuzz/fuzz-node-annotations.c fuzz/fuzz-init.c fuzz/fuzz.h
fuzz_fuzz_node_annotations_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_node_annotations_LDADD = $(OVN_DPU_LIBS)

fuzz_fuzz_conn_auth_SOURCES = fuzz/fuzz-conn-auth.c fuzz/fuzz-init.c fuzz/fuzz.h
fuzz_fuzz_conn_auth_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_conn_auth_LDADD = $(OVN_DPU_LIBS)

# Runs every target on a copy of its seed corpus for FUZZ_SECONDS in all
# (default 300), shared out evenly; fails if any target finds a crash.
FUZZ_SECONDS = 300
fuzz: $(FUZZ_BINARIES)
	$(srcdir)/fuzz/run --bindir=fuzz --corpus=$(srcdir)/fuzz/corpus \
		--total-seconds=$(FUZZ_SECONDS) $(FUZZ_TARGETS)
else
fuzz:
	@echo "make fuzz: configure with CC=clang --enable-fuzzing first" >&2
	@exit 1
endif
.PHONY: fuzz
