package io.partnerka.drills;

/** The drills send a cycle of commands that need no partner; a reply is recognised by the command it answers. */
final class Replies {

    private Replies() {
    }

    /** The command a reply answers, or the text itself when it is none of them. */
    static String commandOf(String text) {
        if (text.contains("<b>Commands</b>") || text.contains("<b>Команды</b>")) return "/help";
        if (text.startsWith("Main menu")) return "/menu";
        if (text.equals("Choose your language:")) return "/language";
        if (text.startsWith("Nothing to cancel")) return "/cancel";
        return text;
    }
}
