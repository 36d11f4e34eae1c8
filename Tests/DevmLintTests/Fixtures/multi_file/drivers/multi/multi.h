#include <linux/miscdevice.h>
struct multi_state {
	int level;
};
struct multi {
	struct multi_state state;
	struct miscdevice mdev;
};
int multi_chardev_init(struct multi *m);
struct multi *multi_alloc(struct device *dev);
