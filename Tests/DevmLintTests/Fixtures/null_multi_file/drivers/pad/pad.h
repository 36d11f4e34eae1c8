struct platform_device;

int pad_chardev_probe(struct platform_device *pdev);
void pad_chardev_remove(void);
