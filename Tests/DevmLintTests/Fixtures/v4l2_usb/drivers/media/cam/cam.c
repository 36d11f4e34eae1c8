/* A USB camera can be unplugged whatever the driver says. */
#include <linux/usb.h>
#include <linux/platform_device.h>
#include <media/v4l2-device.h>
#include <media/v4l2-dev.h>

struct cam {
	void __iomem *regs;
	struct v4l2_device v4l2_dev;
	struct video_device vdev;
};

static const struct v4l2_file_operations cam_fops = {
	.owner = THIS_MODULE,
	.open = v4l2_fh_open,
	.release = v4l2_fh_release,
	.unlocked_ioctl = video_ioctl2,
};

static int cam_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	struct cam *cam;
	int ret;

	cam = devm_kzalloc(&intf->dev, sizeof(*cam), GFP_KERNEL);
	if (!cam)
		return -ENOMEM;
	ret = v4l2_device_register(&intf->dev, &cam->v4l2_dev);
	if (ret)
		return ret;
	cam->vdev.v4l2_dev = &cam->v4l2_dev;
	cam->vdev.fops = &cam_fops;
	cam->vdev.release = video_device_release_empty;
	return video_register_device(&cam->vdev, VFL_TYPE_VIDEO, -1);
}

static void cam_disconnect(struct usb_interface *intf)
{
}

static struct usb_driver cam_driver = {
	.name = "cam",
	.probe = cam_probe,
	.disconnect = cam_disconnect,
};
module_usb_driver(cam_driver);
