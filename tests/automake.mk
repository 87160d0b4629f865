# The autotest suite that 'make check' runs (OVS/OVN style), and the test
# programs it drives.

EXTRA_DIST += \
	$(TESTSUITE_AT) \
	$(TESTSUITE) \
	tests/atlocal.in \
	$(srcdir)/package.m4 \
	tests/check-layout.py \
	tests/http-fault-server.py \
	tests/tcp-fault-proxy.py \
	tests/annotation-storm.py \
	tests/ovn-installed-standin.py \
	tests/http-hostile-client.py \
	tests/cni-runtime.go \
	tests/valgrind.supp

TESTSUITE_AT = \
	tests/testsuite.at \
	tests/ovn-dpu-macros.at \
	tests/k8s-macros.at \
	tests/layout.at \
	tests/configure.at \
	tests/k8s-cluster.at \
	tests/k8s-node.at \
	tests/daemons.at \
	tests/kubeconfig.at \
	tests/k8s-client.at \
	tests/dpu-lease.at \
	tests/dpu-lease-k8s.at \
	tests/cni.at \
	tests/cni-add.at \
	tests/cni-mtu.at \
	tests/pod-annotations.at \
	tests/node-annotations.at \
	tests/mgmt-port.at \
	tests/deploy.at \
	tests/lease-faults.at \
	tests/dpu-bind.at \
	tests/dpu-port.at \
	tests/pod-bandwidth.at \
	tests/sandbox.at \
	tests/deploy-node.at \
	tests/security.at \
	tests/security-attacks.at \
	tests/dpu-faults.at \
	tests/cni-nad.at \
	tests/metrics.at \
	tests/metrics-agents.at \
	tests/bench.at

TESTSUITE = $(srcdir)/tests/testsuite
DISTCLEANFILES += tests/atconfig tests/atlocal

# Programs the tests run: ours first, then the Open vSwitch utilities
# (ovs-appctl, ovsdb-server, ovs-vswitchd) from the tree we built against.
AUTOTEST_PATH = ovn-dpu:vswitchd-ext:tests:$(OVS_BUILDDIR)/utilities:$(OVS_BUILDDIR)/ovsdb:$(OVS_BUILDDIR)/vswitchd

# Tests that need a Kubernetes API server share one cluster, which the first
# of them starts in tests/k8s-shared (see tests/k8s-macros.at).  Each run
# starts from a fresh one and stops it at the end, keeping its logs.
K8S_SHARED = $(abs_top_builddir)/tests/k8s-shared
check-local: tests/atconfig tests/atlocal $(TESTSUITE) $(check_PROGRAMS)
	-@$(top_srcdir)/dev/k8s-cluster stop "$(K8S_SHARED)" >/dev/null 2>&1
	rm -rf "$(K8S_SHARED)"
	$(SHELL) '$(TESTSUITE)' -C tests AUTOTEST_PATH='$(AUTOTEST_PATH)' \
		$(TESTSUITEFLAGS); \
	status=$$?; \
	$(top_srcdir)/dev/k8s-cluster stop "$(K8S_SHARED)" >/dev/null 2>&1; \
	exit $$status

clean-local: test-clean
test-clean:
	test ! -f '$(TESTSUITE)' || $(SHELL) '$(TESTSUITE)' -C tests --clean
	-$(top_srcdir)/dev/k8s-cluster stop "$(K8S_SHARED)"
	rm -rf "$(K8S_SHARED)" "$(K8S_SHARED).lock"
.PHONY: test-clean

AUTOM4TE = autom4te
AUTOTEST = $(AUTOM4TE) -l autotest
$(TESTSUITE): package.m4 $(TESTSUITE_AT)
	$(AM_V_GEN)$(AUTOTEST) -I '$(srcdir)' -I '$(OVS_SRCDIR)' \
		-o $@.tmp $@.at && mv $@.tmp $@

$(srcdir)/package.m4: $(top_srcdir)/configure.ac
	$(AM_V_GEN):;{ \
	  echo '# Signature of the current package.' && \
	  echo 'm4_define([AT_PACKAGE_NAME],      [$(PACKAGE_NAME)])' && \
	  echo 'm4_define([AT_PACKAGE_TARNAME],   [$(PACKAGE_TARNAME)])' && \
	  echo 'm4_define([AT_PACKAGE_VERSION],   [$(PACKAGE_VERSION)])' && \
	  echo 'm4_define([AT_PACKAGE_STRING],    [$(PACKAGE_STRING)])' && \
	  echo 'm4_define([AT_PACKAGE_BUGREPORT], [$(PACKAGE_BUGREPORT)])'; \
	} >'$(srcdir)/package.m4'

# One test program with a subcommand per module, like OVS's ovstest.
check_PROGRAMS = tests/ovn-dpu-test
tests_ovn_dpu_test_SOURCES = \
	tests/ovn-dpu-test.c \
	tests/ovn-dpu-test.h \
	tests/test-dpu-lease.c \
	tests/test-kubeconfig.c \
	tests/test-k8s-client.c \
	tests/test-pod-annotations.c \
	tests/test-node-annotations.c \
	tests/test-vf-device.c \
	tests/test-cni-nad-key.c \
	tests/test-dpu-bind.c \
	tests/test-metrics.c
tests_ovn_dpu_test_CPPFLAGS = $(AM_CPPFLAGS) -I $(top_srcdir)/ovn-dpu \
	-I $(top_srcdir)/vswitchd-ext
tests_ovn_dpu_test_LDADD = vswitchd-ext/libovndpu-vswitchd.la \
	ovn-dpu/libovndpu-host.la $(OVN_DPU_LIBS)
