package org.latentbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plugin loads on a node with security on, and the harness's security path works: file-realm users created
 * with {@code elasticsearch-users}, roles from {@code roles.yml}, basic auth over HTTP. Later steps build their
 * privilege tests (who may manage anchors, who may search) on exactly this setup.
 */
class SecuredNodeIT {

    private static final String ADMIN = "lb_admin";
    private static final String ADMIN_PASSWORD = "admin-secret-1";
    private static final String VIEWER = "lb_viewer";
    private static final String VIEWER_PASSWORD = "viewer-secret-1";

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("secured-node")
            .nodes(1)
            .security(true)
            .rolesYml("""
                    # Monitoring only: may list plugins, may not create indices.
                    lb_monitor:
                      cluster: [ "monitor" ]
                    """)
            .user(ADMIN, ADMIN_PASSWORD, "superuser")
            .user(VIEWER, VIEWER_PASSWORD, "lb_monitor")
            .build();

    @Test
    void unauthenticatedRequestsAreRejected() {
        EsResponse r = CLUSTER.http().anonymous().get("_cat/plugins?format=json");
        assertEquals(401, r.status(), r.body());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), "challenge: " + r.headers());
    }

    @Test
    void wrongPasswordIsRejected() {
        assertEquals(401, CLUSTER.http().as(ADMIN, "not-the-password").get("_cat/plugins?format=json").status());
    }

    @Test
    void superuserSeesThePlugin() {
        assertEquals(ADMIN, CLUSTER.admin().name(), "the declared superuser is the harness's admin");
        JsonNode rows = CLUSTER.http().get("_cat/plugins?format=json").ok();
        assertEquals(1, rows.size(), "_cat/plugins: " + rows);
        assertEquals("latent-bridge", rows.get(0).path("component").asText());
        assertEquals(ItEnvironment.pluginVersion(), rows.get(0).path("version").asText());
        assertEquals(ADMIN, CLUSTER.http().get("_security/_authenticate").ok().path("username").asText());
    }

    @Test
    void rolesFromRolesYmlApply() {
        EsHttp viewer = CLUSTER.httpAs(VIEWER);
        JsonNode rows = viewer.get("_cat/plugins?format=json").ok();
        assertEquals("latent-bridge", rows.get(0).path("component").asText());
        EsResponse denied = viewer.put("viewer-may-not-create", "{}");
        assertEquals(403, denied.status(), denied.body());
        assertTrue(denied.body().contains(VIEWER), denied.body());
    }
}
