package org.latentbridge.plugin.compat;

import org.elasticsearch.TransportVersion;

/** Transport versions, through {@link TransportVersion}'s own methods (8.19.5 and later, and every 9.x). */
public final class LineTransportVersions {
    private LineTransportVersions() {}

    /** The oldest transport version this node can talk to: the plugin's wire types are readable by every node that runs it. */
    public static TransportVersion minimumCompatible() {
        return TransportVersion.minimumCompatible();
    }
}
