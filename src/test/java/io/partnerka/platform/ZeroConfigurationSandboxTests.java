package io.partnerka.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnerka.PartnerkaTest;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Nothing configured (as the whole test suite runs): the sandbox, an unauthenticated console where anyone acts as any
 * persona, managers included, answers on 127.0.0.1 and is refused on every other address of the machine.
 */
@PartnerkaTest
class ZeroConfigurationSandboxTests {

    @LocalServerPort
    int port;

    @Test
    void theSandboxIsReachableFromThisMachineOnly() throws Exception {
        HttpResponse<String> local = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/sandbox/api/chats/100")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(local.statusCode()).isEqualTo(200);

        Optional<InetAddress> outside = RunModeTests.nonLoopbackAddress();
        Assumptions.assumeTrue(outside.isPresent(), "this machine has no address but the loopback one");
        RunModeTests.requireTheCheckWorks(outside.get());
        assertThat(RunModeTests.reachable(outside.get(), port)).as("the sandbox via " + outside.get()).isFalse();
    }
}
