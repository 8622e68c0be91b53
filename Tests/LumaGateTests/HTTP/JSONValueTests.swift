import LumaGate
import Testing

@Suite struct JSONValueTests {
    @Test func writesKeysInOrderNullsAndEscapes() {
        let value = JSONValue.object([
            ("z", .null), ("a", .string("quote \" backslash \\ newline \n tab \t bell \u{07} 美")),
            ("n", .array([.int(-3), .double(5.041667), .bool(false)])),
        ])
        #expect(value.serialized() == #"{"z":null,"a":"quote \" backslash \\ newline \n tab \t bell \u0007 美","n":[-3,5.041667,false]}"#)
    }
}
