package io.partnerka.approval;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.MenuContributor;
import java.util.List;
import org.springframework.stereotype.Component;

/** Managers find their queue in the main menu. */
@Component
class ManagerMenu implements MenuContributor {

    @Override
    public List<MenuEntry> menu(ChatContext ctx) {
        return ctx.isManager() ? List.of(new MenuEntry("menu.pending", 1)) : List.of();
    }
}
