package io.partnerka.conversation;

import java.util.List;

/** Adds buttons to a person's main menu (a reply keyboard), depending on who they are. */
public interface MenuContributor {

    /** Menu entries for this chat; the engine sorts all contributions by order and lays them out two per row. */
    List<MenuEntry> menu(ChatContext ctx);

    /** A main-menu button: its text is the message {@code key}. */
    record MenuEntry(String key, int order) {
    }
}
