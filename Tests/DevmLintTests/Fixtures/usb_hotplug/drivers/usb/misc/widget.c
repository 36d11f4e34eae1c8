#include <linux/miscdevice.h>
#include <linux/platform_device.h>

struct widget {
	void __iomem *base;
	int count;
	struct miscdevice misc;
};

static ssize_t widget_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	struct widget *w = container_of(file->private_data, struct widget, misc);

	return simple_read_from_buffer(buf, len, off, &w->count, sizeof(w->count));
}

static const struct file_operations widget_fops = {
	.owner = THIS_MODULE,
	.read = widget_read,
};

static int widget_usb_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	struct widget *w = devm_kzalloc(&intf->dev, sizeof(*w), GFP_KERNEL);

	w->misc.fops = &widget_fops;
	return misc_register(&w->misc);
}
static struct usb_driver widget_usb_driver = {
	.name = "widget",
	.probe = widget_usb_probe,
	.disconnect = widget_usb_disconnect,
	.driver = { .suppress_bind_attrs = true },
};
module_usb_driver(widget_usb_driver);
