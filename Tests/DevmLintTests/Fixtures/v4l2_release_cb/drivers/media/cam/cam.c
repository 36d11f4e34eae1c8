/* The container is kzalloc()ed and freed by the v4l2_device release callback, after
 * the last video node reference is gone. */
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

static void cam_release(struct v4l2_device *v4l2_dev)
{
	struct cam *cam = container_of(v4l2_dev, struct cam, v4l2_dev);

	v4l2_device_unregister(&cam->v4l2_dev);
	kfree(cam);
}

static int cam_probe(struct platform_device *pdev)
{
	struct cam *cam;
	int ret;

	cam = kzalloc(sizeof(*cam), GFP_KERNEL);
	if (!cam)
		return -ENOMEM;
	cam->v4l2_dev.release = cam_release;
	ret = v4l2_device_register(&pdev->dev, &cam->v4l2_dev);
	if (ret) {
		kfree(cam);
		return ret;
	}
	cam->vdev.v4l2_dev = &cam->v4l2_dev;
	cam->vdev.fops = &cam_fops;
	cam->vdev.release = video_device_release_empty;
	return video_register_device(&cam->vdev, VFL_TYPE_VIDEO, -1);
}

static struct platform_driver cam_driver = {
	.probe = cam_probe,
	.driver = {
		.name = "cam",
	},
};
module_platform_driver(cam_driver);
