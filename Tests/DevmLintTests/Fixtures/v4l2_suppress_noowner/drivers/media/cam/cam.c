/* Bind attributes suppressed, but the v4l2 fops set no .owner: the module (and remove())
 * can go while a video node is open. */
#include <linux/platform_device.h>
#include <media/v4l2-device.h>
#include <media/v4l2-dev.h>

struct cam {
	void __iomem *regs;
	struct v4l2_device v4l2_dev;
	struct video_device vdev;
};

static const struct v4l2_file_operations cam_fops = {
	.open = v4l2_fh_open,
	.release = v4l2_fh_release,
	.unlocked_ioctl = video_ioctl2,
};

static int cam_probe(struct platform_device *pdev)
{
	struct cam *cam;
	int ret;

	cam = devm_kzalloc(&pdev->dev, sizeof(*cam), GFP_KERNEL);
	if (!cam)
		return -ENOMEM;
	ret = v4l2_device_register(&pdev->dev, &cam->v4l2_dev);
	if (ret)
		return ret;
	cam->vdev.v4l2_dev = &cam->v4l2_dev;
	cam->vdev.fops = &cam_fops;
	cam->vdev.release = video_device_release_empty;
	return video_register_device(&cam->vdev, VFL_TYPE_VIDEO, -1);
}

static struct platform_driver cam_driver = {
	.probe = cam_probe,
	.driver = {
		.name = "cam",
		.suppress_bind_attrs = true,
	},
};
module_platform_driver(cam_driver);
