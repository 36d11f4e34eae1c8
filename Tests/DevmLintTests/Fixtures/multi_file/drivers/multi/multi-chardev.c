#include "multi.h"
#define file_to_multi(f) container_of(f->private_data, struct multi, mdev)
static long multi_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct multi *m = file_to_multi(f);

	return m->state.level;
}
static const struct file_operations multi_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = multi_ioctl,
};
int multi_chardev_init(struct multi *m)
{
	struct miscdevice *md = &m->mdev;

	md->minor = MISC_DYNAMIC_MINOR;
	md->fops = &multi_fops;
	return misc_register(md);
}
