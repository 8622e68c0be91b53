/// The fixed lists the official API serves.
enum DreamMachineCatalog {
    /// Camera concepts for ray-2 (`GET /generations/concepts/list`); a request's concepts must
    /// be among them.
    static let concepts = [
        "aerial", "aerial_drone", "bolt_cam", "crane_down", "crane_up", "dolly_zoom", "elevator_doors", "eye_level",
        "ground_level", "handheld", "high_angle", "low_angle", "orbit_left", "orbit_right", "overhead", "pan_left",
        "pan_right", "pedestal_down", "pedestal_up", "pov", "pull_out", "push_in", "roll_left", "roll_right", "selfie",
        "static", "tilt_down", "tilt_up", "tiny_planet", "truck_left", "truck_right", "zoom_in", "zoom_out",
    ]

    /// Camera motions of the earlier models, written into prompts (`GET /generations/camera_motion/list`).
    static let cameraMotions = [
        "Static", "Move Left", "Move Right", "Move Up", "Move Down", "Push In", "Pull Out", "Zoom In", "Zoom Out",
        "Pan Left", "Pan Right", "Orbit Left", "Orbit Right", "Crane Up", "Crane Down",
    ]
}
