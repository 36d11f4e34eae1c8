#include "multi.h"
static int multi_probe(struct i2c_client *client)
{
	struct multi *m = multi_alloc(&client->dev);

	if (!m)
		return -ENOMEM;
	return multi_chardev_init(m);
}
static void multi_remove(struct i2c_client *client)
{
	struct multi *m = i2c_get_clientdata(client);

	misc_deregister(&m->mdev);
	devm_kfree(&client->dev, m);
}
static struct i2c_driver multi_driver = {
	.driver = { .name = "multi" },
	.probe = multi_probe,
	.remove = multi_remove,
};
module_i2c_driver(multi_driver);
