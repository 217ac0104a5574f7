package io.partnerka.conversation;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Who is a manager: the Telegram user ids in {@code PARTNERKA_MANAGER_IDS}, plus the sandbox's manager persona when
 * the bot runs without a Telegram token.
 */
@Component
public class Roles {

    private final Set<Long> managers = new LinkedHashSet<>();

    Roles(@Value("${partnerka.manager-ids:}") List<String> ids,
          @Value("${partnerka.telegram.token:}") String token,
          @Value("${partnerka.sandbox.manager-id:100}") long sandboxManager) {
        for (String id : ids) {
            if (!id.isBlank()) managers.add(Long.parseLong(id.strip()));
        }
        if (token == null || token.isBlank()) managers.add(sandboxManager);
    }

    public boolean isManager(long userId) {
        return managers.contains(userId);
    }

    /** Manager ids in configuration order (round-robin assignment walks them in this order). */
    public List<Long> managerIds() {
        return List.copyOf(managers);
    }
}
