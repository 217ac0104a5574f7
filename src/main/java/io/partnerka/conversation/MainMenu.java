package io.partnerka.conversation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** The main menu reply keyboard of a chat, from every module's {@link MenuContributor}, two buttons a row. */
@Component
class MainMenu {

    // looked up lazily: contributors depend on feature services, which depend on the Notifier, which uses this
    private final ObjectProvider<MenuContributor> contributors;
    // resolved once, on the first menu: asking the bean factory on every update was a visible share of the CPU
    private volatile List<MenuContributor> resolved;

    MainMenu(ObjectProvider<MenuContributor> contributors) {
        this.contributors = contributors;
    }

    List<List<String>> keyboard(ChatContext ctx) {
        List<MenuContributor.MenuEntry> entries = new ArrayList<>();
        List<MenuContributor> all = resolved;
        if (all == null) resolved = all = contributors.orderedStream().toList();
        all.forEach(m -> entries.addAll(m.menu(ctx)));
        entries.sort(Comparator.comparingInt(MenuContributor.MenuEntry::order));
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < entries.size(); i += 2) {
            List<String> row = new ArrayList<>();
            row.add(ctx.text(entries.get(i).key()));
            if (i + 1 < entries.size()) row.add(ctx.text(entries.get(i + 1).key()));
            rows.add(row);
        }
        return rows;
    }
}
