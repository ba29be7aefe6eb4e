package org.latentbridge.plugin.compat;

import org.elasticsearch.TransportVersion;
import org.elasticsearch.TransportVersions;

/** Transport versions, as a constant of {@link TransportVersions} (8.19.0 to 8.19.4). */
public final class LineTransportVersions {
    private LineTransportVersions() {}

    /** The oldest transport version this node can talk to: the plugin's wire types are readable by every node that runs it. */
    public static TransportVersion minimumCompatible() {
        return TransportVersions.MINIMUM_COMPATIBLE;
    }
}
