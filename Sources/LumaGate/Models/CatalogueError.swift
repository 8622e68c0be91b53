/// A model file that cannot be used, and why.
public struct CatalogueError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
