import Foundation
@testable import LumaGate
import PropertyBased
import Testing

/// The hand-written IMF-fixdate writer says what Foundation's formatter says, for any second from
/// 1900 to 2200, and what it writes reads back as the same second.
@Suite struct HTTPDateTests {
    static let reference: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }()

    @Test func writesWhatFoundationWritesAndReadsItBack() async {
        await propertyCheck(count: 2000, input: Gen.int(in: -2_208_988_800...7_258_118_400)) { seconds in
            let date = Date(timeIntervalSince1970: Double(seconds))
            let written = HTTPDate.format(epochSeconds: Int64(seconds))
            #expect(written == Self.reference.string(from: date))
            #expect(HTTPDate.parse(written) == date)
        }
        #expect(HTTPDate.format(epochSeconds: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 1_782_000_000.999)) == "Sun, 21 Jun 2026 00:00:00 GMT")
    }
}
