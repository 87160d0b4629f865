// cni-runtime: runs the CNI plugins of a node the way containerd's CRI
// plugin does, through containerd's own CNI library (go-cni, over libcni:
// Debian's golang-github-containerd-go-cni-dev and
// golang-github-appc-cni-dev, the versions Debian's containerd is built
// with), for the tests.  containerd calls only ADD and DEL; this also
// drives the library's CHECK, which no runtime here calls.
//
// Usage: cni-runtime CONF-DIR BIN-DIR VERB ID NETNS NAMESPACE POD [UID]
//
// VERB is add, check or del.  Like containerd, it loads the first
// network configuration of CONF-DIR with the loopback network before it,
// and passes the pod's namespace, name, sandbox id and uid as CNI_ARGS
// labels.  add prints one line per address of the result's interfaces,
// "IFNAME ADDRESS MAC", sorted; every verb prints the
// library's error and exits 1 if it fails.
//
// Build (GOPATH mode): GO111MODULE=off GOPATH=/usr/share/gocode go build
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	gocni "github.com/containerd/go-cni"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "cni-runtime: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 8 && len(os.Args) != 9 {
		fmt.Fprintln(os.Stderr, "usage: cni-runtime CONF-DIR BIN-DIR "+
			"add|check|del ID NETNS NAMESPACE POD [UID]")
		os.Exit(2)
	}
	confDir, binDir, verb := os.Args[1], os.Args[2], os.Args[3]
	id, netns, namespace, pod := os.Args[4], os.Args[5], os.Args[6],
		os.Args[7]
	uid := ""
	if len(os.Args) == 9 {
		uid = os.Args[8]
	}

	// What containerd 1.6's CRI plugin sets up: loopback plus the
	// default network (the first file of the directory), "eth" names.
	lib, err := gocni.New(gocni.WithMinNetworkCount(2),
		gocni.WithPluginConfDir(confDir),
		gocni.WithPluginDir([]string{binDir}),
		gocni.WithInterfacePrefix("eth"))
	if err != nil {
		fail("%v", err)
	}
	if err := lib.Load(gocni.WithLoNetwork, gocni.WithDefaultConf); err != nil {
		fail("loading %s: %v", confDir, err)
	}

	labels := map[string]string{
		"IgnoreUnknown":              "1",
		"K8S_POD_NAMESPACE":          namespace,
		"K8S_POD_NAME":               pod,
		"K8S_POD_INFRA_CONTAINER_ID": id,
	}
	if uid != "" {
		labels["K8S_POD_UID"] = uid
	}
	opts := []gocni.NamespaceOpts{gocni.WithLabels(labels)}

	ctx, cancel := context.WithTimeout(context.Background(),
		4*time.Minute)
	defer cancel()
	switch verb {
	case "add":
		result, err := lib.Setup(ctx, id, netns, opts...)
		if err != nil {
			fail("ADD: %v", err)
		}
		var lines []string
		for name, config := range result.Interfaces {
			for _, ip := range config.IPConfigs {
				lines = append(lines, fmt.Sprintf("%s %s %s", name,
					ip.IP, config.Mac))
			}
		}
		sort.Strings(lines)
		for _, line := range lines {
			fmt.Println(line)
		}
	case "check":
		if err := lib.Check(ctx, id, netns, opts...); err != nil {
			fail("CHECK: %v", err)
		}
	case "del":
		if err := lib.Remove(ctx, id, netns, opts...); err != nil {
			fail("DEL: %v", err)
		}
	default:
		fail("%s: not add, check or del", verb)
	}
}
