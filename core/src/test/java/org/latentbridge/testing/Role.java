package org.latentbridge.testing;

/**
 * Which side of a retrieval pair a text is on. Asymmetric encoders (e5, bge) embed queries and documents
 * differently, so every embedding request says which it is.
 */
public enum Role {
    /** A short search text, e.g. a man page's NAME line. */
    QUERY,
    /** A text to be found, e.g. a man page's DESCRIPTION. */
    DOCUMENT
}
