import SimHardware

/// The display and video board kinds: DRM devices and V4L2 video devices. Each is a platform
/// device bound by a built-in driver of the scenario board (``BuiltinDrivers``); its node
/// appears at setup and goes when that driver unbinds, while open files live on and get ENODEV.

/// An HDMI encoder bound by the built-in `sim-hdmi` driver and registered with the DRM core
/// (after drivers/gpu/drm/vc4/vc4_hdmi.c): the n-th is `/dev/dri/card<n>`. Its registers are
/// the driver's devres memory; `DRM_IOCTL_MODE_GETCONNECTOR` reads the hot-plug-detect state
/// from them.
public struct DrmDeviceSpec: Sendable, Equatable {
    /// The platform device's name ("hdmi.0").
    public var name: String
    /// The hot-plug-detect state the connector reports (default: a monitor is connected).
    public var connected: Bool
    public var location: SourceLocation?

    public init(name: String, connected: Bool = true, location: SourceLocation? = nil) {
        self.name = name
        self.connected = connected
        self.location = location
    }
}

/// A camera bound by the built-in `sim-capture` driver and registered with the V4L2 core
/// (after drivers/media/usb/uvc): the n-th is `/dev/video<n>` with its media controller
/// `/dev/media<n>`. Its sensor registers are the driver's devres memory; `vidioc_g_ctrl` of the
/// brightness control reads them. No frame ever arrives: a `read` sleeps until the unbind.
public struct VideoDeviceSpec: Sendable, Equatable {
    /// The platform device's name ("cam.0").
    public var name: String
    /// The brightness control's value (0…255).
    public var brightness: Int
    public var location: SourceLocation?
    public static let brightnessRange = 0...255

    public init(name: String, brightness: Int = 128, location: SourceLocation? = nil) {
        self.name = name
        self.brightness = brightness
        self.location = location
    }
}
