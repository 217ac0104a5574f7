package io.partnerka.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import io.partnerka.approval.Approvals;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Who may do what, over real HTTP: pages send strangers to the login form, the API answers 401; a MANAGER cannot do
 * ADMIN-only things; a post without the CSRF token is refused; unknown ids are 404 and malformed ones 400; login
 * attempts are throttled; the endpoints outside the back office keep their own rules.
 */
@PartnerkaTest
@TestPropertySource(properties = "partnerka.manager-ids=200")
class AdminAccessTests {

    static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    static final String MANAGER_TOKEN = "test-manager-token-0123456789";

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired Approvals approvals;

    @Test
    void strangersAreSentToTheLoginFormAndTheApiSays401() {
        WebClient web = new WebClient(port);
        for (String page : new String[]{"/admin", "/admin/approvals", "/admin/partners", "/admin/deals/1", "/admin/audit",
                "/admin/drip", "/admin/users", "/admin/dashboard"}) {
            HttpResponse<String> r = web.get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).as(page).hasValueSatisfying(l -> assertThat(l).endsWith("/admin/login"));
        }
        assertThat(web.get("/admin/login").body()).contains("name=\"password\"").contains("name=\"_csrf\"");

        HttpResponse<String> none = web.api("GET", "/api/v1/approvals", null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(web.api("GET", "/api/v1/me", "not-a-token-at-all-000000", null).statusCode()).isEqualTo(401);
        assertThat(web.api("POST", "/api/v1/approvals/1/approve", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aWrongPasswordFailsAndTheRightOneOpensTheDashboard() {
        WebClient web = new WebClient(port);
        HttpResponse<String> wrong = web.login("clerk", "nope");
        assertThat(wrong.statusCode()).isEqualTo(302);
        assertThat(wrong.headers().firstValue("Location").orElseThrow()).endsWith("/admin/login?error");
        assertThat(web.get("/admin").statusCode()).isEqualTo(302);

        web.loggedIn("clerk", "clerk-pass");
        HttpResponse<String> dashboard = web.get("/admin");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("Partner funnel").contains("Log out Clerk");
        assertThat(dashboard.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        assertThat(dashboard.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    void aManagerCannotDoWhatOnlyAnAdminMay() {
        WebClient clerk = new WebClient(port).loggedIn("clerk", "clerk-pass");
        assertThat(clerk.get("/admin/users").statusCode()).isEqualTo(403);
        assertThat(clerk.get("/admin/drip").body()).doesNotContain("data-testid=\"pause\"");
        HttpResponse<String> pause = clerk.postForm("/admin/drip", "/admin/drip/chains/onboarding/pause", Map.of());
        assertThat(pause.statusCode()).isEqualTo(403);
        assertThat(paused("onboarding")).isFalse();

        WebClient boss = new WebClient(port).loggedIn("boss", "boss-pass");
        HttpResponse<String> users = boss.get("/admin/users");
        assertThat(users.statusCode()).isEqualTo(200);
        assertThat(users.body()).contains("clerk").contains("manager-client").doesNotContain("test-manager-token");

        assertThat(new WebClient(port).api("POST", "/api/v1/drip/chains/onboarding/pause", MANAGER_TOKEN, null).statusCode()).isEqualTo(403);
        assertThat(new WebClient(port).api("GET", "/api/v1/drip/chains", MANAGER_TOKEN, null).statusCode()).isEqualTo(200);
        HttpResponse<String> me = new WebClient(port).api("GET", "/api/v1/me", MANAGER_TOKEN, null);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"role\":\"MANAGER\"").contains("API manager-client");
    }

    @Test
    void aFormPostedWithoutTheCsrfTokenIsRefused() {
        AdminFixtures fixtures = new AdminFixtures(jdbc, approvals);
        AdminFixtures.Applicant a = fixtures.application("Подделка Запроса");
        WebClient boss = new WebClient(port).loggedIn("boss", "boss-pass");
        HttpResponse<String> forged = boss.postRaw("/admin/approvals/" + a.itemId() + "/approve", Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(approvals.find(a.itemId()).orElseThrow().isPending()).isTrue();
        // and the login form itself needs the token
        assertThat(new WebClient(port).postRaw("/admin/login", Map.of("username", "boss", "password", "boss-pass")).statusCode())
                .isEqualTo(403);
    }

    @Test
    void unknownIdsAre404AndMalformedOnes400() {
        WebClient boss = new WebClient(port).loggedIn("boss", "boss-pass");
        for (String page : new String[]{"/admin/partners/987654321", "/admin/deals/987654321", "/admin/approvals/987654321"}) {
            HttpResponse<String> r = boss.get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(404);
            assertThat(r.body()).as(page).contains("Not found");
        }
        assertThat(boss.get("/admin/partners/abc").statusCode()).isEqualTo(400);
        assertThat(boss.postForm("/admin/approvals", "/admin/approvals/987654321/approve", Map.of()).statusCode()).isEqualTo(404);
        assertThat(boss.postForm("/admin/drip", "/admin/drip/chains/no-such-chain/pause", Map.of()).statusCode()).isEqualTo(404);

        WebClient api = new WebClient(port);
        for (String path : new String[]{"/api/v1/partners/987654321", "/api/v1/deals/987654321", "/api/v1/approvals/987654321"}) {
            HttpResponse<String> r = api.api("GET", path, ADMIN_TOKEN, null);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).contains("problem+json");
        }
        assertThat(api.api("POST", "/api/v1/approvals/987654321/approve", ADMIN_TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(api.api("GET", "/api/v1/partners/abc", ADMIN_TOKEN, null).statusCode()).isEqualTo(400);
        assertThat(api.api("POST", "/api/v1/deals/1/changes", ADMIN_TOKEN, "{not json").statusCode()).isEqualTo(400);
    }

    @Test
    void loginAttemptsAreThrottledPerUsername() {
        WebClient web = new WebClient(port);
        String last = "";
        for (int i = 0; i < 6; i++) last = web.login("throttle-victim", "guess-" + i).headers().firstValue("Location").orElse("");
        assertThat(last).endsWith("/admin/login?throttled");
        assertThat(web.get("/admin/login?throttled").body()).contains("Too many attempts");
    }

    @Test
    void theRestOfTheAppKeepsItsOwnRules() {
        WebClient web = new WebClient(port);
        assertThat(web.get("/").statusCode()).isEqualTo(200);                       // the sandbox (no bot token)
        assertThat(web.get("/sandbox/api/personas").statusCode()).isEqualTo(200);
        assertThat(web.get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(web.get("/certificates/NOSUCHCODE").statusCode()).isEqualTo(404); // public, its own 404 page
        HttpResponse<String> crm = web.postRaw("/api/crm/deals/events", Map.of());
        assertThat(crm.statusCode()).isNotIn(302, 401, 403);                         // HMAC is the CRM endpoint's business
        assertThat(web.get("/webjars/chart.js/dist/chart.umd.min.js").statusCode()).isEqualTo(200);
        assertThat(web.get("/webjars/picocss__pico/css/pico.min.css").statusCode()).isEqualTo(200);
        assertThat(web.get("/webjars/htmx.org/dist/htmx.min.js").statusCode()).isEqualTo(200);
        HttpResponse<String> openApi = web.get("/v3/api-docs");
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).contains("/api/v1/approvals/{id}/approve").contains("bearer").doesNotContain("/sandbox/api");
    }

    private boolean paused(String chain) {
        return jdbc.sql("SELECT coalesce(bool_or(paused), false) FROM drip_chain_state WHERE chain_id = ?").param(chain)
                .query(Boolean.class).single();
    }
}
