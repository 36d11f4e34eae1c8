import Testing
@testable import ScenarioModel

/// Bad DRM and video-device entries and their ioctls: each gives a located error at the
/// offending key or value, and never a scenario (nor a crash).
@Suite struct MalformedMediaKindTests {
    static let header = MalformedBoardKindTests.header
    typealias Case = MalformedScenarioTests.Case

    static let cases: [Case] = [
        Case(name: "unknown key in a drm device",
             text: header + "board:\n  drm_devices:\n    - {name: hdmi.0, conected: true}\nactors: {}\n",
             line: 5, column: 22, message: "unknown key 'conected' in a drm device"),
        Case(name: "wrong type: connected",
             text: header + "board:\n  drm_devices:\n    - {name: hdmi.0, connected: maybe}\nactors: {}\n",
             line: 5, column: 33, message: "connected must be true or false, found 'maybe'"),
        Case(name: "drm device without name", text: header + "board:\n  drm_devices:\n    - {connected: true}\nactors: {}\n",
             line: 5, column: 7, message: "a drm device needs 'name'"),
        Case(name: "brightness out of range",
             text: header + "board:\n  video_devices:\n    - {name: cam.0, brightness: 300}\nactors: {}\n",
             line: 5, column: 33, message: "brightness must be between 0 and 255, found 300"),
        Case(name: "vidioc_g_ctrl without id",
             text: header + "board:\n  video_devices:\n    - {name: cam.0}\nactors:\n  a:\n    - open: /dev/video0\n      as: v\n"
                 + "    - ioctl: {file: v, request: vidioc_g_ctrl}\n",
             line: 10, column: 14, message: "ioctl vidioc_g_ctrl needs 'id'"),
        Case(name: "drm node of a device the board lacks",
             text: header + "board:\n  drm_devices:\n    - {name: hdmi.0}\nactors:\n  a:\n    - open: /dev/dri/card1\n",
             line: 8, column: 7, message: "unknown device node '/dev/dri/card1'; the board has: dri/card0"),
        Case(name: "one name, two kinds",
             text: header + "board:\n  drm_devices:\n    - {name: x.0}\n  video_devices:\n    - {name: x.0}\nactors: {}\n",
             line: 7, column: 7, message: "device 'x.0' declared twice"),
    ]

    @Test(arguments: cases)
    func locatedError(_ c: Case) {
        MalformedBoardKindTests().locatedError(c)
    }
}
