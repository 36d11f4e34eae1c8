#include <linux/miscdevice.h>
struct panel {
	void __iomem *regs;
	int state;
};
static DEFINE_MUTEX(panel_lock);
static struct panel *panel_dev;
static long panel_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct panel *p;
	long ret = -ENODEV;

	mutex_lock(&panel_lock);
	p = panel_dev;
	if (p)
		ret = p->state;
	mutex_unlock(&panel_lock);
	return ret;
}
static const struct file_operations panel_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = panel_ioctl,
};
static struct miscdevice panel_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "panel",
	.fops = &panel_fops,
};
static int panel_probe(struct platform_device *pdev)
{
	struct panel *p;

	p = devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	panel_dev = p;
	return misc_register(&panel_misc);
}
static void panel_remove(struct platform_device *pdev)
{
	misc_deregister(&panel_misc);
	mutex_lock(&panel_lock);
	panel_dev = NULL;
	mutex_unlock(&panel_lock);
}
static struct platform_driver panel_driver = {
	.probe = panel_probe,
	.remove = panel_remove,
	.driver = { .name = "panel" },
};
module_platform_driver(panel_driver);
