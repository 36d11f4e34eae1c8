#include <linux/cdev.h>
struct gizmo_core {
	unsigned long flags;
	struct cdev chrdev;
};
