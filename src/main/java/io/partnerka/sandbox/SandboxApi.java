package io.partnerka.sandbox;

import io.partnerka.conversation.Roles;
import io.partnerka.platform.RunMode;
import io.partnerka.sandbox.SandboxChats.CallbackAnswer;
import io.partnerka.sandbox.SandboxChats.Command;
import io.partnerka.sandbox.SandboxChats.Keyboard;
import io.partnerka.sandbox.SandboxChats.MessageView;
import io.partnerka.sandbox.SandboxPersonas.Persona;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * The page's JSON API: personas, what a persona does (text, button press, contact, file, sticker), and a chat's
 * changes since a sequence number, answered at once or as soon as something changes (long polling, so bot replies
 * appear without delay and an idle page costs one request every {@code wait} milliseconds).
 */
@RestController
@RequestMapping("/sandbox/api")
@Conditional(RunMode.SandboxOn.class)
class SandboxApi {

    private static final long MAX_WAIT_MS = 25_000;

    private final SandboxPersonas personas;
    private final SandboxChats chats;
    private final SandboxActions actions;
    private final Roles roles;
    private final io.partnerka.miniapp.MiniAppSigner miniApp;

    SandboxApi(SandboxPersonas personas, SandboxChats chats, SandboxActions actions, Roles roles,
               io.partnerka.miniapp.MiniAppSigner miniApp) {
        this.miniApp = miniApp;
        this.personas = personas;
        this.chats = chats;
        this.actions = actions;
        this.roles = roles;
    }

    record PersonaView(long id, String firstName, String username, String language, String phone, boolean manager,
                       boolean blocked, int unread, String preview, long date) {
    }

    /** {@code menuButton}: the Mini App menu button the bot set for this chat (or by default), null if none. */
    record ChatState(long seq, List<MessageView> messages, Keyboard keyboard, List<CallbackAnswer> answers,
                     List<Command> commands, SandboxChats.MenuButton menuButton, List<PersonaView> personas) {
    }

    record NewPersona(String firstName, String language) {
    }

    record PersonaChange(String firstName, String language, String phone, Boolean blocked) {
    }

    record Text(String text) {
    }

    record Press(int messageId, String data) {
    }

    record Sticker(String emoji) {
    }

    record Pressed(String callbackId) {
    }

    @GetMapping("/personas")
    List<PersonaView> personas() {
        return personas.all().stream().map(this::view).toList();
    }

    @PostMapping("/personas")
    PersonaView addPersona(@RequestBody NewPersona body) {
        return view(personas.add(body.firstName(), body.language()));
    }

    @PatchMapping("/personas/{id}")
    PersonaView changePersona(@PathVariable long id, @RequestBody PersonaChange body) {
        Persona p = personas.update(id, body.firstName(), body.language(), body.phone());
        if (body.blocked() != null) personas.block(id, body.blocked());
        return view(p);
    }

    /** The chat's changes after {@code since}; with {@code wait} > 0 the answer waits for the next change. */
    @GetMapping("/chats/{id}")
    DeferredResult<ChatState> chat(@PathVariable long id, @RequestParam(defaultValue = "0") long since,
                                   @RequestParam(defaultValue = "0") long wait) {
        personas.find(id).orElseThrow(() -> new NoSuchElementException("No persona " + id));
        if (wait <= 0) {
            DeferredResult<ChatState> now = new DeferredResult<>();
            now.setResult(state(id, since));
            return now;
        }
        // an idle page gets the (empty) changes when the wait is over, and asks again
        DeferredResult<ChatState> result = new DeferredResult<>(Math.min(wait, MAX_WAIT_MS), () -> state(id, since));
        Runnable answer = () -> result.setResult(state(id, since));
        result.onCompletion(() -> chats.forget(answer));
        chats.onChangeAfter(since, answer);
        return result;
    }

    record MiniAppInit(String initData, String url) {
    }

    /**
     * Mini App {@code initData} for a persona, signed now with the sandbox's own token, as Telegram would sign it for
     * the bot: the page opens {@code /app} with it and the cabinet is that persona's.
     */
    @GetMapping("/chats/{id}/miniapp-init-data")
    MiniAppInit miniAppInitData(@PathVariable long id) {
        Persona p = personas.find(id).orElseThrow(() -> new NoSuchElementException("No persona " + id));
        return new MiniAppInit(miniApp.sign(p.id(), p.firstName(), p.language()), "/app");
    }

    @PostMapping("/chats/{id}/messages")
    MessageView send(@PathVariable long id, @RequestBody Text body) {
        return actions.send(id, body.text());
    }

    @PostMapping("/chats/{id}/press")
    Pressed press(@PathVariable long id, @RequestBody Press body) {
        return new Pressed(actions.press(id, body.messageId(), body.data()));
    }

    @PostMapping("/chats/{id}/contact")
    MessageView contact(@PathVariable long id) {
        return actions.contact(id);
    }

    @PostMapping("/chats/{id}/sticker")
    MessageView sticker(@PathVariable long id, @RequestBody Sticker body) {
        return actions.sticker(id, body.emoji());
    }

    /** The file is the raw request body (no multipart size limits to configure); its name comes in the query. */
    @PostMapping(path = "/chats/{id}/document", consumes = MediaType.ALL_VALUE)
    MessageView document(@PathVariable long id, @RequestParam String name,
                         @RequestParam(required = false) String caption,
                         @RequestParam(defaultValue = "false") boolean photo, @RequestBody byte[] content) {
        return actions.file(id, name, content, caption, photo);
    }

    @GetMapping("/files/{fileId}")
    ResponseEntity<byte[]> file(@PathVariable String fileId, @RequestParam(defaultValue = "false") boolean download) {
        SandboxChats.StoredFile f = chats.file(fileId).orElseThrow(() -> new NoSuchElementException("No file " + fileId));
        boolean image = f.mimeType().startsWith("image/") && !f.mimeType().contains("svg");
        ContentDisposition disposition = (image && !download ? ContentDisposition.inline() : ContentDisposition.attachment())
                .filename(f.name(), StandardCharsets.UTF_8).build();
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, disposition.toString())
                .header("X-Content-Type-Options", "nosniff")
                .contentType(image ? MediaType.parseMediaType(f.mimeType()) : MediaType.APPLICATION_OCTET_STREAM)
                .body(f.content());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(IllegalStateException.class)
    ResponseEntity<Map<String, String>> conflict(IllegalStateException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<Map<String, String>> notFound(NoSuchElementException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", e.getMessage()));
    }

    private ChatState state(long id, long since) {
        Persona persona = personas.find(id).orElseThrow();
        SandboxChats.Changes changes = chats.changes(id, since);
        return new ChatState(changes.seq(), changes.messages(), changes.keyboard(), changes.answers(),
                chats.commandsFor(persona.id(), persona.language()), chats.menuButtonFor(persona.id()),
                personas.all().stream().map(this::view).toList());
    }

    private PersonaView view(Persona p) {
        SandboxChats.Summary s = chats.summary(p.id());
        return new PersonaView(p.id(), p.firstName(), p.username(), p.language(), p.phone(), roles.isManager(p.id()),
                personas.blocked(p.id()), s.unread(), s.preview(), s.date());
    }
}
