/*
 * "ovn-dpu-test vf-device": drives ovn-dpu/vf-device.c for tests/cni-add.at.
 *
 *   vf-device [--simulated] SYSFS-ROOT DEVICE-ID...
 *       Resolve each DEVICE-ID and print "DEVICE-ID: pf P vf V netdev N"
 *       ("vfio" instead of "netdev N" for a VF bound to vfio-pci; and
 *       "pci A" if it has one) or "DEVICE-ID: error: MESSAGE".
 */

#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovn-dpu-test.h"
#include "util.h"
#include "vf-device.h"

void
test_vf_device_main(int argc, char *argv[])
{
    bool simulated = false;
    int i = 1;

    if (i < argc && !strcmp(argv[i], "--simulated")) {
        simulated = true;
        i++;
    }
    if (i >= argc) {
        ovs_fatal(0, "usage: vf-device [--simulated] SYSFS-ROOT DEVICE-ID...");
    }
    const char *root = argv[i++];
    for (; i < argc; i++) {
        struct vf_device dev;
        char *error = vf_device_resolve(argv[i], simulated, root, &dev);
        if (error) {
            printf("%s: error: %s\n", argv[i], error);
            free(error);
        } else {
            printf("%s: pf %d vf %d", argv[i], dev.pf_id, dev.vf_id);
            if (dev.vfio) {
                printf(" vfio");
            } else {
                printf(" netdev %s", dev.netdev);
            }
            if (dev.pci) {
                printf(" pci %s", dev.pci);
            }
            putchar('\n');
            vf_device_destroy(&dev);
        }
    }
}
