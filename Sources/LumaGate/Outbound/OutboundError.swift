/// Why an outbound request did not bring an answer. None of these carries what the destination
/// said: a client learns only "not allowed" or "could not be fetched".
public enum OutboundError: Error, CustomStringConvertible {
    case refused(OutboundPolicy.Refusal)
    case unreachable(String)
    case timedOut
    case tooLarge
    case status(Int)

    public var description: String {
        switch self {
        case .refused(let refusal): "not allowed: \(refusal)"
        case .unreachable(let why): "unreachable: \(why)"
        case .timedOut: "no complete answer in time"
        case .tooLarge: "the answer is larger than allowed"
        case .status(let code): "HTTP \(code)"
        }
    }
}
