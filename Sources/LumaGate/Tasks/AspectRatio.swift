import Foundation

/// The aspect ratios Luma accepts, with the frame size Luma renders for each (16:9 is the seed's
/// 1360×752; the others keep about the same pixel count and even dimensions).
public enum AspectRatio: String, Sendable, CaseIterable {
    case square = "1:1"
    case wide = "16:9"
    case tall = "9:16"
    case classic = "4:3"
    case portrait = "3:4"
    case cinema = "21:9"
    case cinemaTall = "9:21"

    public var frameSize: (width: Int, height: Int) {
        switch self {
        case .square: (1024, 1024)
        case .wide: (1360, 752)
        case .tall: (752, 1360)
        case .classic: (1168, 864)
        case .portrait: (864, 1168)
        case .cinema: (1552, 656)
        case .cinemaTall: (656, 1552)
        }
    }

    /// The exact ratio `ratio` ("W:H", any of Luma's; 16:9 if unreadable) with its shorter side
    /// `shortSide` pixels, both sides even (as H.264 needs).
    public static func frameSize(ratio: String, shortSide: Int) -> (width: Int, height: Int) {
        let (wide, high) = sides(of: ratio)
        let long = Int((Double(shortSide) * max(wide, high) / min(wide, high) / 2).rounded()) * 2
        return wide >= high ? (long, shortSide) : (shortSide, long)
    }

    /// The same with its longer side `longSide` pixels.
    public static func frameSize(ratio: String, longSide: Int) -> (width: Int, height: Int) {
        let (wide, high) = sides(of: ratio)
        let short = Int((Double(longSide) * min(wide, high) / max(wide, high) / 2).rounded()) * 2
        return wide >= high ? (longSide, short) : (short, longSide)
    }

    /// Of `ratios`, the one nearest the shape of a `width`×`height` picture (by the logarithm of
    /// their ratios, so 2:1 is as far from 1:1 as 1:2 is).
    static func nearest(width: Int, height: Int, among ratios: [String]) -> String? {
        let shape = log(Double(max(width, 1)) / Double(max(height, 1)))
        return ratios.min { first, second in
            let (a, b) = (sides(of: first), sides(of: second))
            return abs(log(a.0 / a.1) - shape) < abs(log(b.0 / b.1) - shape)
        }
    }

    /// A ratio's two sides ("16:9" is 16 and 9; 16:9 if unreadable).
    static func sides(of ratio: String) -> (Double, Double) {
        let parts = ratio.split(separator: ":").compactMap { Double($0) }.filter { $0 > 0 }
        return parts.count == 2 ? (parts[0], parts[1]) : (16, 9)
    }
}
