/* The subsystem core, one folder above the driver: the drivers/staging/fieldbus shape
 * (fieldbus_dev_register() -> __fieldbus_dev_register() -> cdev_add() in dev_core.c). */
#include <linux/fs.h>
#include "gadget_dev.h"

static DEFINE_MUTEX(gadget_mtx);

static ssize_t gadget_read(struct file *filp, char __user *buf, size_t size, loff_t *off)
{
	struct gadget_dev *gd = container_of(filp->f_inode->i_cdev, struct gadget_dev, cdev);

	return simple_read_from_buffer(buf, size, off, &gd->id, sizeof(gd->id));
}

static const struct file_operations gadget_fops = {
	.owner = THIS_MODULE,
	.read = gadget_read,
};

static int __gadget_dev_register(struct gadget_dev *gd)
{
	cdev_init(&gd->cdev, &gadget_fops);
	return cdev_add(&gd->cdev, MKDEV(240, gd->id), 1);
}

int gadget_dev_register(struct gadget_dev *gd)
{
	int err;

	mutex_lock(&gadget_mtx);
	err = __gadget_dev_register(gd);
	mutex_unlock(&gadget_mtx);
	return err;
}
EXPORT_SYMBOL_GPL(gadget_dev_register);
