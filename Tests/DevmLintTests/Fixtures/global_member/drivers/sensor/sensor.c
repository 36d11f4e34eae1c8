#include <linux/miscdevice.h>
struct sensor_chan {
	int value;
};
struct sensor_state {
	struct sensor_chan *chans;
	int nr;
	struct miscdevice mdev;
};
static struct sensor_state state;
static int sensor_read_chan(int i)
{
	if (!state.chans || i >= state.nr)
		return -ENODEV;
	return state.chans[i].value;
}
static long sensor_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return sensor_read_chan(arg);
}
static const struct file_operations sensor_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = sensor_ioctl,
};
static int sensor_probe(struct platform_device *pdev)
{
	state.nr = 4;
	state.chans = devm_kcalloc(&pdev->dev, state.nr, sizeof(*state.chans), GFP_KERNEL);
	if (!state.chans)
		return -ENOMEM;
	state.mdev.minor = MISC_DYNAMIC_MINOR;
	state.mdev.fops = &sensor_fops;
	return misc_register(&state.mdev);
}
static void sensor_remove(struct platform_device *pdev)
{
	misc_deregister(&state.mdev);
}
static struct platform_driver sensor_driver = {
	.probe = sensor_probe,
	.remove = sensor_remove,
	.driver = { .name = "sensor" },
};
module_platform_driver(sensor_driver);
