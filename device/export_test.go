package device

// WithReadAheadForTest lets the tests outside the package turn the read-ahead
// of an HTTP source off, to measure what it brings.
var WithReadAheadForTest = withReadAhead
