/// The ioctl requests a scenario can make, by subsystem. In files each is
/// `ioctl: {file, request: NAME, …}` with the name in ``IoctlSpec/keyword``.
public enum IoctlSpec: Sendable, Equatable {
    // GPIO character device (include/uapi/linux/gpio.h).
    case chipInfo
    case lineInfo(offset: Int)
    case getValues
    case setValues([Bool])
    /// i2c-dev `I2C_SLAVE`: the address later reads and writes on the file talk to.
    case i2cSlave(address: Int)

    // spidev (include/uapi/linux/spi/spidev.h).
    /// `SPI_IOC_MESSAGE(1)`: one full-duplex transfer of `tx`; returns the bytes received.
    case spiMessage(tx: [UInt8])
    /// `SPI_IOC_RD_MODE32`: returns the mode bits.
    case spiReadMode
    /// `SPI_IOC_WR_MODE32`.
    case spiWriteMode(UInt32)
    /// `SPI_IOC_RD_MAX_SPEED_HZ`: returns the device's speed.
    case spiReadMaxSpeed
    /// `SPI_IOC_WR_MAX_SPEED_HZ`.
    case spiWriteMaxSpeed(UInt32)

    // Watchdog (include/uapi/linux/watchdog.h).
    /// `WDIOC_GETSUPPORT`: returns `{identity, options}`.
    case wdiocGetSupport
    /// `WDIOC_GETSTATUS`: returns the status bits (WDIOF_MAGICCLOSE, WDIOF_KEEPALIVEPING).
    case wdiocGetStatus
    /// `WDIOC_KEEPALIVE`.
    case wdiocKeepalive
    /// `WDIOC_SETTIMEOUT`: returns the timeout now in effect.
    case wdiocSetTimeout(seconds: Int)
    /// `WDIOC_GETTIMEOUT`: returns the timeout in seconds.
    case wdiocGetTimeout

    /// `FIONREAD` on a misc pipe: returns the bytes queued.
    case fionread

    // tty (include/uapi/asm-generic/ioctls.h).
    /// `TIOCMGET`: returns the modem-control lines.
    case tiocmget
    /// `TIOCINQ`: returns the bytes waiting to be read.
    case tiocinq

    // mmcblk (include/uapi/linux/mmc/ioctl.h, include/uapi/linux/fs.h).
    /// `MMC_IOC_CMD` with CMD13 (SEND_STATUS): returns the card status register.
    case mmcSendStatus
    /// `BLKGETSIZE64`: returns the disk's size in bytes.
    case blkGetSize64
    // Net devices, on a socket (include/uapi/linux/sockios.h).
    /// `SIOCGIFFLAGS`: returns the interface flags (IFF_UP 0x1, IFF_BROADCAST 0x2, IFF_RUNNING 0x40).
    case siocgifflags(ifname: String)
    /// `SIOCSIFFLAGS`: brings the interface up or down.
    case siocsifflags(ifname: String, up: Bool)
    /// `SIOCGIFINDEX`: returns the ifindex.
    case siocgifindex(ifname: String)
    // DRM (include/uapi/drm/drm.h, drm_mode.h).
    /// `DRM_IOCTL_VERSION`: returns `{name, desc}`.
    case drmVersion
    /// `DRM_IOCTL_MODE_GETCONNECTOR`, reduced to the connection state: returns 1 or 0.
    case drmModeGetConnector

    // V4L2 and the media controller (include/uapi/linux/videodev2.h, media.h).
    /// `VIDIOC_QUERYCAP`: returns `{driver, card, bus_info}`.
    case vidiocQuerycap
    /// `VIDIOC_G_CTRL` of control `id`: returns its value (the driver reads its registers).
    case vidiocGCtrl(id: Int)
    /// `MEDIA_IOC_DEVICE_INFO` on `/dev/mediaN`: returns `{driver, model}`.
    case mediaIocDeviceInfo

    /// The uAPI name.
    public var name: String {
        switch self {
        case .chipInfo: "GPIO_GET_CHIPINFO_IOCTL"
        case .lineInfo: "GPIO_V2_GET_LINEINFO_IOCTL"
        case .getValues: "GPIO_V2_LINE_GET_VALUES_IOCTL"
        case .setValues: "GPIO_V2_LINE_SET_VALUES_IOCTL"
        case .i2cSlave: "I2C_SLAVE"
        case .spiMessage: "SPI_IOC_MESSAGE"
        case .spiReadMode: "SPI_IOC_RD_MODE32"
        case .spiWriteMode: "SPI_IOC_WR_MODE32"
        case .spiReadMaxSpeed: "SPI_IOC_RD_MAX_SPEED_HZ"
        case .spiWriteMaxSpeed: "SPI_IOC_WR_MAX_SPEED_HZ"
        case .wdiocGetSupport: "WDIOC_GETSUPPORT"
        case .wdiocGetStatus: "WDIOC_GETSTATUS"
        case .wdiocKeepalive: "WDIOC_KEEPALIVE"
        case .wdiocSetTimeout: "WDIOC_SETTIMEOUT"
        case .wdiocGetTimeout: "WDIOC_GETTIMEOUT"
        case .fionread: "FIONREAD"
        case .tiocmget: "TIOCMGET"
        case .tiocinq: "TIOCINQ"
        case .mmcSendStatus: "MMC_IOC_CMD"
        case .blkGetSize64: "BLKGETSIZE64"
        case .siocgifflags: "SIOCGIFFLAGS"
        case .siocsifflags: "SIOCSIFFLAGS"
        case .siocgifindex: "SIOCGIFINDEX"
        case .drmVersion: "DRM_IOCTL_VERSION"
        case .drmModeGetConnector: "DRM_IOCTL_MODE_GETCONNECTOR"
        case .vidiocQuerycap: "VIDIOC_QUERYCAP"
        case .vidiocGCtrl: "VIDIOC_G_CTRL"
        case .mediaIocDeviceInfo: "MEDIA_IOC_DEVICE_INFO"
        }
    }

    /// The `request:` keyword in scenario files.
    public var keyword: String {
        switch self {
        case .chipInfo: "chip_info"
        case .lineInfo: "line_info"
        case .getValues: "get_values"
        case .setValues: "set_values"
        case .i2cSlave: "i2c_slave"
        case .spiMessage: "spi_message"
        case .spiReadMode: "spi_rd_mode"
        case .spiWriteMode: "spi_wr_mode"
        case .spiReadMaxSpeed: "spi_rd_max_speed_hz"
        case .spiWriteMaxSpeed: "spi_wr_max_speed_hz"
        case .wdiocGetSupport: "wdioc_getsupport"
        case .wdiocGetStatus: "wdioc_getstatus"
        case .wdiocKeepalive: "wdioc_keepalive"
        case .wdiocSetTimeout: "wdioc_settimeout"
        case .wdiocGetTimeout: "wdioc_gettimeout"
        case .fionread: "fionread"
        case .tiocmget: "tiocmget"
        case .tiocinq: "tiocinq"
        case .mmcSendStatus: "mmc_send_status"
        case .blkGetSize64: "blkgetsize64"
        case .siocgifflags: "siocgifflags"
        case .siocsifflags: "siocsifflags"
        case .siocgifindex: "siocgifindex"
        case .drmVersion: "drm_version"
        case .drmModeGetConnector: "drm_mode_getconnector"
        case .vidiocQuerycap: "vidioc_querycap"
        case .vidiocGCtrl: "vidioc_g_ctrl"
        case .mediaIocDeviceInfo: "media_ioc_device_info"
        }
    }

    /// Every `request:` keyword, in the order the reference lists them.
    public static let keywords = ["chip_info", "line_info", "get_values", "set_values", "i2c_slave",
                                  "spi_message", "spi_rd_mode", "spi_wr_mode", "spi_rd_max_speed_hz", "spi_wr_max_speed_hz",
                                  "wdioc_getsupport", "wdioc_getstatus", "wdioc_keepalive", "wdioc_settimeout",
                                  "wdioc_gettimeout", "fionread", "tiocmget", "tiocinq", "mmc_send_status", "blkgetsize64",
                                  "siocgifflags", "siocsifflags", "siocgifindex", "drm_version", "drm_mode_getconnector",
                                  "vidioc_querycap", "vidioc_g_ctrl", "media_ioc_device_info"]
}
