# User documentation beyond the man pages.
EXTRA_DIST += \
	Documentation/benchmarks.rst \
	Documentation/dpu-binding.rst \
	Documentation/dpu-lease.rst \
	Documentation/install.rst \
	Documentation/k8s-client.rst \
	Documentation/memory.rst \
	Documentation/metrics.rst \
	Documentation/mgmt-port.rst \
	Documentation/security.rst \
	Documentation/testing.rst
