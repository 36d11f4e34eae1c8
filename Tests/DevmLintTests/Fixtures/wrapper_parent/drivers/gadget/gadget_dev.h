#include <linux/cdev.h>

struct gadget_dev {
	int id;
	struct cdev cdev;
};

int gadget_dev_register(struct gadget_dev *gd);
